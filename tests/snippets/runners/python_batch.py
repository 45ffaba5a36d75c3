"""Runs many Python snippets in one interpreter (start-up and importing requests/httpx cost more than a request).

Each file runs unchanged as `__main__` (runpy) with stdout captured; its output ends with the end marker.
Usage: python python_batch.py snippet1.py [snippet2.py ...]  (a script, not a runner: run by _tools.python_batch)
"""

import contextlib
import io
import runpy
import sys
import traceback

END = "@@apiforge-snippet-end@@"
FAILED = "@@apiforge-snippet-failed@@"

if __name__ == "__main__":
    for path in sys.argv[1:]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                runpy.run_path(path, run_name="__main__")
            except BaseException:  # noqa: B036  (SystemExit included: one snippet must not end the batch)
                print(FAILED, traceback.format_exc())
        sys.stdout.write(out.getvalue() + END + "\n")
        sys.stdout.flush()
