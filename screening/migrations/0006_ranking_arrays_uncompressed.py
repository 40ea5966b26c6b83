"""Store the ranking's arrays uncompressed on PostgreSQL (STORAGE EXTERNAL: out of line, no pglz).

Each refit rewrites about a megabyte of int64 ids and float32 scores at 50,000 records; compressing it
took 0.14 s of a 0.2 s refit and saved little. Other databases have no such setting.
"""

from django.db import migrations

COLUMNS = ("record_ids", "scores", "ranked_ids")


def _storage(mode: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("screening", "Ranking")._meta.db_table)
        columns = ", ".join(f"ALTER COLUMN {schema_editor.quote_name(c)} SET STORAGE {mode}" for c in COLUMNS)
        schema_editor.execute(f"ALTER TABLE {table} {columns}")

    return run


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_ranking_labels_read_at")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"), elidable=False)]
