# govrules — quick start: `make demo`, then `make test`.
#
# Both first make sure the system Lua 5.4 is there (Debian/Ubuntu: liblua5.4-dev, installed with
# apt-get when pkg-config cannot find lua5.4), then build with SwiftPM.

SWIFT        ?= swift
BUILD_FLAGS  ?=
BIN_DEBUG    := .build/debug/govrules
BIN_RELEASE  := .build/release/govrules
DEMO_DIR     := .build/demo
DEMO_AS_OF   ?= 2025-01-10
BENCH_FLAGS  ?=
# The holiday facts the calendar is checked against: the shared copy when present, else ours.
HOLIDAYS     ?= $(firstword $(wildcard ../shared/domain/holidays.json) Tests/data/holidays.json)

.PHONY: deps build release demo test test-desk desk-venv dist test-dist bench install install-files clean

## deps: install Lua 5.4 (headers + library) and the stock interpreter if they are missing.
deps:
	@if ! pkg-config --exists lua5.4 2>/dev/null || ! command -v lua5.4 >/dev/null 2>&1 \
	    || ! pkg-config --exists libxml-2.0 2>/dev/null || ! pkg-config --exists zlib 2>/dev/null; then \
	  echo "Installing liblua5.4-dev, lua5.4, libxml2-dev and zlib1g-dev with apt-get..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblua5.4-dev lua5.4 pkg-config libxml2-dev zlib1g-dev >/dev/null; \
	fi
	@pkg-config --exists lua5.4 || { echo "error: lua5.4 not found by pkg-config even after apt-get; install liblua5.4-dev"; exit 1; }
	@pkg-config --exists libxml-2.0 || { echo "error: libxml-2.0 not found by pkg-config; install libxml2-dev"; exit 1; }

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

## demo: classify the bundled example ledger, show what is due, render the report and write the letters.
demo: build
	@mkdir -p $(DEMO_DIR)
	@echo "== govrules classify examples/requests.csv (as of $(DEMO_AS_OF))"
	$(BIN_DEBUG) classify examples/requests.csv --as-of $(DEMO_AS_OF) -o $(DEMO_DIR)/classified.csv --summary
	@echo
	@echo "== govrules due examples/requests.csv --as-of $(DEMO_AS_OF)"
	$(BIN_DEBUG) due examples/requests.csv --as-of $(DEMO_AS_OF)
	@echo
	@echo "== govrules report examples/requests.csv --year 2024 (md, html, txt, json, docx in $(DEMO_DIR)/)"
	@for f in md html txt json docx; do \
	  $(BIN_DEBUG) report examples/requests.csv --year 2024 --agency 云溪县人民政府办公室 \
	    --appeals examples/appeals.csv --proactive examples/proactive-2024.csv \
	    --narrative examples/narrative-2024.md --format $$f -o $(DEMO_DIR)/report-2024.$$f || exit 1; \
	done
	@sed -n '1,12p' $(DEMO_DIR)/report-2024.txt
	@echo "…"
	@echo "The whole report: $(DEMO_DIR)/report-2024.html (open it in a browser; it prints on A4)"
	@echo "and $(DEMO_DIR)/report-2024.docx (Word/WPS/LibreOffice, laid out as an official document)."
	@echo
	@echo "== govrules letters examples/requests.csv --from 2024-01-01 --to 2024-12-31 (docx in $(DEMO_DIR)/letters/)"
	$(BIN_DEBUG) letters examples/requests.csv --from 2024-01-01 --to 2024-12-31 -o $(DEMO_DIR)/letters
	@echo
	@echo "Run it yourself from here:  $(BIN_DEBUG) classify examples/requests.csv --summary"
	@echo "Or install it (to ~/.local/bin, no root needed) and run it from any folder:  make install && govrules"

## test: the whole test suite: unit and end-to-end tests, the calendar checked against the
## holiday notices, deadlines checked against an independent oracle, and the policy's own test
## tables with 100% step coverage.
test: deps
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS)
	python3 Tests/scripts/check_calendar.py $(HOLIDAYS)
	python3 Tests/scripts/deadline_oracle.py $(HOLIDAYS) rules/tests/deadlines.csv --govrules $(BIN_DEBUG) --rules rules
	$(BIN_DEBUG) test --coverage --min-coverage 100
	python3 Tests/desk/test_desk_http.py

## test-desk: the desk (govrules serve) in a real browser: Debian's chromium and chromium-driver,
##            Selenium from .build/desk-venv (make desk-venv). Skipped when they are missing,
##            except under CI=true. Screenshots: .build/desk-artifacts/.
DESK_PYTHON  ?= $(firstword $(wildcard .build/desk-venv/bin/python) python3)
test-desk: build
	$(DESK_PYTHON) Tests/desk/test_desk_browser.py

## desk-venv: Selenium from PyPI in .build/desk-venv, for test-desk.
desk-venv:
	@[ -x .build/desk-venv/bin/python ] || python3 -m venv .build/desk-venv
	@.build/desk-venv/bin/python -c 'import selenium' 2>/dev/null || .build/desk-venv/bin/pip install -q 'selenium>=4.20'

## bench: govrules against three peers on 100k-, 1M- and 5M-row ledgers (release build); writes BENCHMARKS.md.
##        Never part of `make test`.  make bench BENCH_FLAGS=--quick (100k only); --profile adds a callgrind top list.
bench: deps
	BENCH_BUILD_FLAGS="$(BUILD_FLAGS)" bash scripts/bench.sh $(BENCH_FLAGS)

## install: builds the release binary and installs it with the shipped rules, report formats and letters:
##          $(PREFIX)/bin/govrules and $(PREFIX)/share/govrules/{rules,reports,letters}. Started from any
##          folder (through PATH or a symlink), govrules finds those copies when ./rules and
##          ./reports are absent. PREFIX defaults to ~/.local, which needs no root (~/.local/bin is
##          on PATH on most Linux desktops); `sudo make install PREFIX=/usr/local` installs for everyone.
##          Installing replaces $(PREFIX)/share/govrules/rules: keep edited rules in a folder of your own.
PREFIX       ?= $(HOME)/.local
INSTALL_BIN  ?= $(BIN_RELEASE)
install: release install-files

## install-files: the same without building; INSTALL_BIN picks the binary (the tests install the debug one).
install-files:
	@test -x "$(INSTALL_BIN)" || { echo "error: $(INSTALL_BIN) is not built (run make release, or name a binary with INSTALL_BIN=…)"; exit 1; }
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/govrules"
	install -m 755 "$(INSTALL_BIN)" "$(DESTDIR)$(PREFIX)/bin/govrules"
	rm -rf "$(DESTDIR)$(PREFIX)/share/govrules/rules" "$(DESTDIR)$(PREFIX)/share/govrules/reports" "$(DESTDIR)$(PREFIX)/share/govrules/letters"
	cp -R rules reports letters "$(DESTDIR)$(PREFIX)/share/govrules/"
	@echo "Installed $(DESTDIR)$(PREFIX)/bin/govrules (rules, report formats and letters in $(DESTDIR)$(PREFIX)/share/govrules)."
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) echo "Try it from any folder: govrules classify 台账.csv --summary" ;; \
	  *) echo "$(PREFIX)/bin is not on your PATH yet: add  export PATH=\"$(PREFIX)/bin:\$$PATH\"  to ~/.profile (or ~/.bashrc), then open a new terminal." ;; esac

## dist: a release binary with the Swift runtime linked in (--static-swift-stdlib; Lua stays the
##       system liblua5.4), packaged as dist/govrules_VERSION_ARCH.deb and a tarball. Several minutes.
dist: deps
	@# Static Foundation links libcurl (FlyingFox's unused proxy handler imports FoundationNetworking).
	@[ -e /usr/lib/$$(gcc -print-multiarch 2>/dev/null)/libcurl.so ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcurl4-openssl-dev >/dev/null; }
	BUILD_FLAGS="$(BUILD_FLAGS)" bash scripts/dist.sh

## test-dist: the .deb unpacked into a scratch root (dpkg -x) runs classify and serve with only
##            /usr/bin:/bin on PATH; the tarball too; packaging twice gives the same bytes.
test-dist: dist
	python3 Tests/dist/test_dist.py

clean:
	rm -rf .build .build-dist dist
