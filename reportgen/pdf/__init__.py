"""PDF objects, the one place they are read or built (as oxml/ is for WordprocessingML), through pypdf.

- `inspect`: a PDF's properties read within bounds (language, title, Info and XMP with the PDF/UA claim,
  tagging, structure tree, pages, fonts, text, every recorded string), object streams included.
- `appendix`: a PDF appendix from elsewhere, read within bounds and drawn onto a pack's pages.
- `finish`: LibreOffice's tagged PDF finished for PDF/UA (structure, XMP) and inspected for its findings.

Imports nothing from reportgen: it knows no report words.
"""
