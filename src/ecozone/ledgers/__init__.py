"""Offset ledgers (煤炭消费减量替代, 总量削减替代, 产能置换): the reductions regions bank (closures,
retrofits) and the projects that draw them, checked during screening and drawn once on approval."""
