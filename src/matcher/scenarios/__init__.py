"""What-if scenarios: edits of a round, side-by-side KPIs, sweeps run in parallel.

Imports the domain, matching and capacity only; reading round files and rendering tables
are the services' and the faces' work.
"""
