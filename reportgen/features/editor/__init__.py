"""`reportgen edit`: a local web editor for people who do not write YAML.

A form generated from the content kind's JSON Schema (json-editor, vendored in static/vendor), check
findings beside the fields, a live preview, and saving that keeps the file a person wrote: edits go
into the YAML round-trip document, so comments, key order, quoting and untouched lines stay as they
were. The server (Starlette on uvicorn) listens on 127.0.0.1 only and asks every request for a
one-time token. It uses the pipeline's public entry (read_report, render) and the redline feature.
"""

JSON_EDITOR_VERSION = "2.17.2"
