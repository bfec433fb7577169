"""Raw WordprocessingML: namespaces, the zip package, and builders for paragraphs, runs, lists and fields.

Everything here speaks XML; nothing here knows what a committee report is.
"""
