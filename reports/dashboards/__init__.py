"""Dashboards: the provincial and unit dashboards, the drill-down to the
institutions behind a number, and the reviewer's accountability view.

Views read attainment only through the engine (`reports.selectors`, contract in
`reports.attainment`); this package turns its rows into what a page shows.
"""
