import os

# Before any QApplication exists: no display needed, and none used even where one exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
