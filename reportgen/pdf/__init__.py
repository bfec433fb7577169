"""PDF objects, the one place they are read or built (as oxml/ is for WordprocessingML), through pypdf.

- `appendix`: a PDF appendix from elsewhere, read within bounds and drawn onto a pack's pages.
- `finish`: LibreOffice's tagged PDF finished for PDF/UA (structure, XMP) and inspected for its findings.

Imports nothing from reportgen but `errors`: it knows no report words.
"""
