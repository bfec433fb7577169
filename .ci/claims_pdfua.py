#!/usr/bin/env python3
"""Whether a PDF claims PDF/UA (pdfuaid:part in its XMP metadata), read through pypdf as reportgen reads it,
so a claim stored in a compressed object stream counts too. For `make pdf-check`.

    python .ci/claims_pdfua.py FILE

exits 0 when FILE claims PDF/UA, 1 when it does not, 2 when it cannot be read.
"""

from __future__ import annotations

import sys

from reportgen.pdf.inspect import Pdf, PdfProblem


def main(args: list[str]) -> int:
    if len(args) != 1:
        sys.stderr.write("usage: claims_pdfua.py FILE\n")
        return 2
    try:
        return 0 if Pdf.open(args[0]).claims_pdf_ua else 1
    except (PdfProblem, OSError) as exc:
        sys.stderr.write(f"{args[0]}: error: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
