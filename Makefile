# The two commands a new machine needs: `make build` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test templates bench clean system-deps pdf-check

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## build: every report in content/ into build/ (and PDFs when LibreOffice is installed)
build: $(STAMP)
	@if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then \
	  $(BIN)/reportgen build --pdf; \
	else echo "LibreOffice not installed: building .docx only (PDFs need: sudo apt-get install libreoffice-writer-nogui)"; \
	  $(BIN)/reportgen build; fi

## test: the whole test suite, then the independent PDF/UA check of what `make build` writes
test: $(STAMP) system-deps
	$(BIN)/python -m pytest
	$(MAKE) pdf-check

## pdf-check: every PDF in build/ through outloud (a PDF/UA-1 checker nobody on this project wrote; see
## README "An independent check"). A PDF that claims PDF/UA (pdfuaid in its XMP, read through pypdf: a claim in a
## compressed object stream counts) must pass; one that does not claim it (an agenda pack with drawn-in PDF
## appendices) has its findings listed; one that cannot be read fails.
pdf-check: build
	@status=0; for pdf in build/*.pdf; do [ -f "$$pdf" ] || continue; \
	  $(BIN)/python .ci/claims_pdfua.py "$$pdf"; claim=$$?; \
	  if [ $$claim -eq 0 ]; then $(BIN)/outloud --layer conformance --no-info --fail-on error "$$pdf" || status=1; \
	  elif [ $$claim -eq 1 ]; then echo "$$pdf claims no PDF/UA; its findings:"; $(BIN)/outloud --layer conformance --no-info --fail-on never "$$pdf"; \
	  else status=1; fi; \
	done; exit $$status

## templates: regenerate the factory Word templates from report_templates/make_templates.py
templates: $(STAMP)
	$(BIN)/python report_templates/make_templates.py

## system-deps: LibreOffice, its Python bridge (python3-uno: the kept-running converter, and the redline
## tests that accept/reject in LibreOffice), poppler's pdftoppm to render PDF pages to PNG and look at them
## (reportgen and its tests read PDFs through pypdf), Chromium for the editor's browser test, pandoc for the
## import tests (Debian; needs root)
system-deps:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && \
	  command -v pandoc >/dev/null 2>&1 && /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
	      libreoffice-writer-nogui python3-uno poppler-utils fonts-liberation chromium chromium-driver pandoc >/dev/null; \
	  else echo "LibreOffice or Chromium not installed: PDF steps need LibreOffice, the editor's test Chromium (sudo apt-get install libreoffice-writer-nogui python3-uno poppler-utils chromium chromium-driver pandoc)"; fi; }

clean:
	rm -rf build/*.docx build/*.pdf .pytest_cache

## bench: every benchmark in benchmarks/, one table of ratios against baselines measured in the same run
bench: $(STAMP)
	@command -v pandoc >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pandoc >/dev/null; }
	$(BIN)/python benchmarks/run.py
