# The two commands a new machine needs: `make build` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test templates bench clean system-deps

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

## test: the whole test suite
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

## templates: regenerate the factory Word templates from report_templates/make_templates.py
templates: $(STAMP)
	$(BIN)/python report_templates/make_templates.py

## system-deps: LibreOffice, its Python bridge (python3-uno: the kept-running converter, and the redline
## tests that accept/reject in LibreOffice) and poppler for PDF output and its tests, Chromium for the
## editor's browser test, pandoc for the import tests (Debian; needs root)
system-deps:
	@command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
	  && command -v pandoc >/dev/null 2>&1 && /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
	      libreoffice-writer-nogui python3-uno poppler-utils fonts-liberation chromium chromium-driver pandoc >/dev/null; \
	  else echo "LibreOffice, python3-uno, Chromium or pandoc not installed: PDF steps need LibreOffice (sudo apt-get install libreoffice-writer-nogui python3-uno poppler-utils chromium chromium-driver pandoc)"; fi; }

clean:
	rm -rf build/*.docx build/*.pdf .pytest_cache

## bench: every benchmark in benchmarks/, one table of ratios against baselines measured in the same run
bench: $(STAMP)
	@command -v pandoc >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pandoc >/dev/null; }
	$(BIN)/python benchmarks/run.py
