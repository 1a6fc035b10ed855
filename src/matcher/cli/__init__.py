"""The `matcher` command line: thin Typer faces over ``matcher.services``.

Start-up rule: every command starts at once, whatever the others need. A module of this
package imports at its top only the standard library, Typer, Rich and light modules of
ours: ``cli.console``, ``data.issues``, ``services.access`` (the roles),
``services.match_defaults`` and the settings names of ``matcher.matching`` (which loads them
lazily). That is all Typer needs to build the app and print any help. The use-case a
command calls, and the errors it catches from it, are imported in the command's function,
when it runs. tests/cli/test_startup.py holds the line: help and ``matcher recommend`` in a
fresh interpreter import no solver, Dask, pandas or database layer.
"""
