# Two commands on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    install what is needed, then start the app
#   make test   install what is needed, then run every check and test
.PHONY: run test lint

run:
	./scripts/bootstrap.sh
	.venv/bin/fieldsurvey

# Tests that know about dates run a second time with the system clock years away
# (faketime): nothing may depend on the real date (fieldsurvey.clock, docs/design.md).
DATE_TESTS = tests/test_clock.py tests/forms tests/store tests/cases tests/bundles/test_monthly.py \
	tests/county/test_stats.py tests/county/test_three_months.py tests/ui/visit \
	tests/ui/test_dashboard.py tests/ui/test_case_list.py
FAKE_NOW = 2031-07-15 10:00:00

test:
	./scripts/bootstrap.sh dev
	$(MAKE) lint
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
	QT_QPA_PLATFORM=offscreen faketime '$(FAKE_NOW)' .venv/bin/python -m pytest -q -p no:cacheprovider $(DATE_TESTS)

lint:
	.venv/bin/ruff check src tests scripts bench packaging
	.venv/bin/mypy
	.venv/bin/lint-imports
