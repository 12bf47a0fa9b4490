# Two commands on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run    install what is needed, then start the app
#   make test   install what is needed, then run every check and test
.PHONY: run test lint

run:
	./scripts/bootstrap.sh
	.venv/bin/fieldsurvey

test:
	./scripts/bootstrap.sh dev
	$(MAKE) lint
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest

lint:
	.venv/bin/ruff check src tests scripts bench packaging
	.venv/bin/mypy
	.venv/bin/lint-imports
