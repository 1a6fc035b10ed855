"""Solver backends: one stage of the lexicographic model, solved by one solver.

Every backend gets the same part, objective and stage rows and returns a :class:`StageResult`;
the stage runner (``matcher.matching.stages``) never knows which solver it talks to.
"""
