import multiprocessing

from fieldsurvey.cli import main

if __name__ == "__main__":
    # In the frozen app a merge's worker process starts as this program again: this
    # runs the worker there and returns at once everywhere else.
    multiprocessing.freeze_support()
    raise SystemExit(main())
