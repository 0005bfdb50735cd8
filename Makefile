# dsabench: `make bench` measures, `make test` tests. Everything else is a step of those two.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
DSABENCH := bin/dsabench
JAR := cli/target/dsabench.jar

.PHONY: build bench test serve report check gpu-bundle clean test-deps

# Building to run needs no formatter: the format checks (Spotless) belong to `make test`.
build:
	$(MVN) -q install -DskipTests -Dspotless.check.skip=true
	@ls -l $(JAR)

# The main job: sweep on the best backend here (cuda when a GPU is, else cpu) and give a
# regression verdict against reports/published/<device>/results.json when one exists.
bench: build
	$(DSABENCH) bench --backend auto --out out/bench

# Every test, and every format check: Java, JS, CSS and CUDA (clang-format from test-deps).
test: test-deps
	$(MVN) install -Ddsabench.format.cuda=true

test-deps:
	scripts/install-test-deps.sh

serve: build
	$(DSABENCH) serve

# One self-contained HTML report (+ report.csv, report.json) from the newest results under out/,
# else the published H200 run; on a fresh machine with neither, from a short cpu sweep run first.
report: build
	@results=$$(scripts/latest-results.sh 2>/dev/null) || { \
	  echo "[report] no results under out/ and no published H200 run: a short cpu sweep first"; \
	  $(DSABENCH) bench --backend cpu --positions 1K,2K,4K --baseline none --out out/bench-cpu \
	    && results=out/bench-cpu/results.json; } \
	  && echo "[report] from $$results" \
	  && $(DSABENCH) report --results "$$results" --out out/report/report.html

check: build
	$(DSABENCH) check --backend auto

gpu-bundle: build
	scripts/gpu-bundle.sh dist

clean:
	$(MVN) -q clean
	rm -rf out dist
