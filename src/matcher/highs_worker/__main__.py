"""The worker's loop: ``python -m matcher.highs_worker``, spoken to over stdin and stdout.

Messages (``protocol``): ``("load", model arrays)`` replaces the live model; ``("stage",
stage)`` runs one stage on it and answers a ``StageAnswer``; ``("bound", stage)`` moves the
model to that stage and answers its LP bound (the second worker of a large part);
``("search", round)`` runs one more search round of a large stage from the best answer known
combined with the other latest answer and answers a ``StageAnswer``;
``("quit",)`` ends the loop.
A failure inside HiGHS is answered as an error message, never as a traceback on a pipe.
HiGHS prints a banner on file descriptor 1 whatever its output flag says, so the frames go
out on a copy of it and descriptor 1 itself points at /dev/null.
"""

import os
import sys
from typing import Any


def main() -> None:
    """Serve messages until ``quit`` or until the parent goes away."""
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    from matcher.highs_worker.model import LP_SHARE, LiveModel
    from matcher.highs_worker.protocol import StageAnswer, receive, send

    model: LiveModel | None = None
    source = sys.stdin.buffer
    while True:
        try:
            message: tuple[Any, ...] = receive(source)
        except EOFError:
            return
        kind = message[0]
        try:
            if kind == "quit":
                send(out, ("ok", None))
                return
            if kind == "load":
                model = LiveModel(**message[1])
                send(out, ("ok", None))
            elif kind == "stage" and model is not None:
                stage = message[1]
                model.set_stage(
                    stage["objective"], stage["maximize"], stage["new_rows"], stage["must_place"]
                )
                answer: StageAnswer = model.solve_stage(
                    stage["hint"],
                    stage["time_limit"],
                    stage["rel_gap"],
                    stage["seed"],
                    stage["bound_elsewhere"],
                )
                send(out, ("ok", answer))
            elif kind == "bound" and model is not None:
                stage = message[1]
                model.set_stage(
                    stage["objective"], stage["maximize"], stage["new_rows"], stage["must_place"]
                )
                send(out, ("ok", model.lp_bound(stage["time_limit"] * LP_SHARE)))
            elif kind == "search" and model is not None:
                search = message[1]
                answer = model.search_round(
                    search["best"], search["other"], search["time_limit"], search["seed"]
                )
                send(out, ("ok", answer))
            else:
                send(out, ("error", f"unexpected message {kind!r}"))
        except Exception as exc:  # the solver's failure, reported to the parent as a status
            send(out, ("error", f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    main()
