"""Checks: what content, a built document or a PDF must satisfy before it is used or published.

- `content`: the content rules a model alone can judge (figures against counts, dates, links).
- `safety`: non-public material kept out of public documents.
- `scan`: what a .docx carries that must not be published (comments, hidden text, personal data).
- `accessibility`: the rules a screen-reader user needs kept, on content, .docx and PDF.
- `linked_files`: files a content file names (appendices), confined to its folder and identified by content.

Checks read models and document parts; they never build, write or print.
"""
