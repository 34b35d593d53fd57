"""The file boundary: every CSV/XLSX/TOML-adjacent reader and writer, one module per format.

Engines never import this package; the CLI, the app and :func:`planner.io.plan.write` do. Every error
is one :class:`planner.errors.PlannerInputError` line naming the file, row and column.
"""
