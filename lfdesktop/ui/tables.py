"""How the app's read-only tables behave: whole rows selected, no editing, Tab leaves the table, no grid."""

from PySide6.QtWidgets import QAbstractItemView, QTableView


def read_only_table(table: QTableView, name: str, *, sortable: bool = True) -> QTableView:
    """``sortable``: header clicks sort (only for models that sort themselves or sit behind a proxy)."""
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setSortingEnabled(sortable)
    table.verticalHeader().hide()
    return table
