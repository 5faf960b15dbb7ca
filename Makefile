# Tally's front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO         ?= go
BIN        := bin/tally
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export TEST_DATABASE_URL
# Debian packages Tally needs at run and test time: Chromium renders PDFs and
# drives the browser tests; poppler-utils rasterises PDFs in tests; the Noto
# fonts give invoices real glyphs for Latin, CJK, Arabic and emoji text.
APT_PACKAGES := chromium poppler-utils fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help
help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps deps-system deps-node deps-go
deps: deps-system deps-node deps-go ## install everything Tally needs (apt, npm, Go modules)

deps-system: ## install the Debian packages (Chromium, poppler) if missing
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

node_modules/.package-lock.json: package-lock.json package.json frontend/package.json
	npm ci --no-audit --no-fund
	@touch $@

deps-node: node_modules/.package-lock.json ## install npm packages from the lockfile

deps-go: ## download Go modules
	$(GO) mod download

.PHONY: generate
generate: deps-node ## regenerate ent, gqlgen and the dashboard's GraphQL types
	$(GO) generate .
	npm run generate

.PHONY: check-generated
check-generated: generate ## fail if regenerating changes a committed file
	@if ! git diff --quiet -- . || [ -n "$$(git status --porcelain --untracked-files=all -- ent graph frontend/src/gql)" ]; then \
		echo "generated files are stale; run 'make generate' and commit:"; git status --short; git diff --stat; exit 1; \
	fi
	@echo "generated files are up to date"

.PHONY: dashboard
dashboard: deps-node ## build the React dashboard into frontend/dist
	npm run build

.PHONY: build
build: dashboard ## build bin/tally with the dashboard embedded
	$(GO) build -o $(BIN) ./server

.PHONY: run
run: deps build ## install what is missing, build, and serve on http://localhost:8080
	./$(BIN)

.PHONY: lint lint-go lint-js
# golangci-lint is pinned here rather than in go.mod, so that its own many
# dependencies stay out of Tally's module graph; `go run pkg@version` fetches
# and caches it on first use. Its settings, each with its reason, are in
# .golangci.yml.
GOLANGCI_LINT := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0

lint: lint-go lint-js ## run the linters (Go and the dashboard's)

lint-go: ## golangci-lint on the Go code (govet, staticcheck, errcheck, errorlint, gosec, revive; .golangci.yml)
	$(GOLANGCI_LINT) run ./...

lint-js: deps-node ## eslint on the dashboard (typescript-eslint, React hooks, feature boundaries)
	npm run lint

.PHONY: test test-go test-e2e
test: deps ## run every test: Go (SQLite and PostgreSQL) and the browser tests
	$(MAKE) test-go
	$(MAKE) test-e2e

test-go: ## Go tests with -race on SQLite and, when reachable, PostgreSQL
	@mkdir -p .tmp
	$(GO) run gotest.tools/gotestsum --format pkgname --jsonfile .tmp/gotest.json -- -race -count=1 ./...
	@pg=$$(grep -c '"Action":"pass","Package":"[^"]*","Test":"[^"]*/postgres"' .tmp/gotest.json || true); \
	 pgskip=$$(grep -c '"Action":"skip","Package":"[^"]*","Test":"[^"]*/postgres"' .tmp/gotest.json || true); \
	 sq=$$(grep -c '"Action":"pass","Package":"[^"]*","Test":"[^"]*/sqlite"' .tmp/gotest.json || true); \
	 echo "database tests: $$sq passed on SQLite, $$pg passed on PostgreSQL ($$pgskip skipped)"; \
	 if [ "$$TALLY_REQUIRE_POSTGRES" = 1 ] && [ "$$pg" = 0 ]; then echo "PostgreSQL was required but no test ran on it"; exit 1; fi

test-e2e: dashboard ## browser tests of the dashboard (playwright-core + Debian's Chromium)
	npm run e2e

# Fuzz targets, as package:FuzzName:inputs. Go fuzzes one target per run, so
# each gets its own `go test`. The budget is a number of inputs rather than a
# duration: go1.26's fuzzer can fail a clean run bounded by -fuzztime <duration>
# with "context deadline exceeded" (go.dev/issue/75804, fixed in go1.27).
# FUZZ_SCALE multiplies every budget: `make fuzz FUZZ_SCALE=100` explores longer.
FUZZ_TARGETS := \
	graph/scalar:FuzzDecimal:40000 \
	internal/reference:FuzzNormalize:40000 \
	internal/reference:FuzzNew:40000 \
	internal/reference:FuzzForInvoice:20000 \
	internal/collect/match:FuzzScanReferences:30000 \
	internal/checkout/wallet:FuzzVerifySignature:30000 \
	internal/checkout/infini:FuzzVerifyWebhook:20000 \
	internal/checkout/infini:FuzzVerifyRequest:20000 \
	internal/mail:FuzzMailgunSignature:10000 \
	internal/collect/statement:FuzzParseCSV:20000 \
	internal/collect/statement:FuzzParseCAMT053:20000 \
	internal/collect/statement:FuzzParseMT940:20000 \
	internal/pdf:FuzzSetAuthor:20000 \
	server:FuzzGraphQLVariables:1500
FUZZ_SCALE ?= 1

.PHONY: fuzz
fuzz: ## run each fuzz target briefly after its seed corpus (about a minute; FUZZ_SCALE=100 for longer)
	@mkdir -p .tmp; start=$$SECONDS; \
	for t in $(FUZZ_TARGETS); do \
		IFS=: read -r pkg name n <<< "$$t"; n=$$((n * $(FUZZ_SCALE))); t0=$$SECONDS; log=.tmp/fuzz-$$name.log; \
		if ! $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime "$${n}x" "./$$pkg" > "$$log" 2>&1; then \
			cat "$$log"; echo "fuzz: $$name (./$$pkg) FAILED; a new failing input is saved under ./$$pkg/testdata/fuzz/$$name/"; exit 1; \
		fi; \
		execs=$$(grep -o 'execs: [0-9]*' "$$log" | tail -1 | cut -d' ' -f2); \
		if [ -z "$$execs" ]; then cat "$$log"; echo "fuzz: ./$$pkg has no fuzz target $$name"; exit 1; fi; \
		printf 'fuzz: %-22s %-28s %8s execs %4ss\n' "$$name" "./$$pkg" "$$execs" "$$((SECONDS - t0))"; \
	done; \
	echo "fuzz: all targets passed in $$((SECONDS - start))s"

.PHONY: bench
bench: ## GraphQL vs plain SQL throughput on PostgreSQL (bench/README.md; BENCH_FLAGS="-duration=10s")
	TALLY_BENCH=1 $(GO) test -run TestInvoiceListThroughput -v -count=1 -timeout 10m ./bench/ $(BENCH_FLAGS)

.PHONY: load crash
load: ## 200 merchants for 60 s against a fresh tally on PostgreSQL, then invariants (bench/README.md; LOAD_FLAGS=)
	$(GO) run ./bench/load -start -clients=200 -duration=60s $(LOAD_FLAGS)

crash: ## the same load while tally is SIGKILLed and restarted every ~5 s; nothing acknowledged may be lost
	$(GO) run ./bench/load -start -clients=200 -duration=60s -crash=5s $(LOAD_FLAGS)

.PHONY: abuse
abuse: ## issue #12's attacks on a fresh tally while another merchant probes: refused? CPU, p99, RSS (bench/README.md; ABUSE_FLAGS=)
	$(GO) run ./bench/abuse -start $(ABUSE_FLAGS)

.PHONY: clean
clean: ## remove build output and local data
	rm -rf bin .tmp frontend/dist/assets frontend/dist/index.html*
