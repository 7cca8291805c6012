"""Change history for people, outside admin: who, when, what and why, newest first.

django-simple-history keeps one row per save. The «what» of a change names the fields
that differ from the object's previous row in the same list (no query per row); the
oldest row shown of an object, whose previous row is not in the list, says only «تغییر».
"""

from __future__ import annotations

from itertools import chain

from django.db.models import prefetch_related_objects

ACTIONS = {"+": "ثبت", "~": "تغییر", "-": "حذف"}
# Bookkeeping fields that change with every save and tell a reader nothing.
SKIPPED = {"version", "updated_at", "created_at"}


def _changed_fields(new, old) -> list[str]:
    model = new.instance_type
    names = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in SKIPPED or not hasattr(new, field.attname):
            continue
        if getattr(new, field.attname) != getattr(old, field.attname):
            names.append(str(field.verbose_name))
    return names


def change_rows(*histories, limit: int = 100, known=()) -> list[dict]:
    """Rows for templates/commitments/_changes.html from one or more history querysets.

    `known`: objects the page already holds (the commitment whose history it shows), which
    the rows' names may read without asking the database for them again."""
    records = sorted(
        chain.from_iterable(
            qs.select_related("history_user").order_by("-history_date", "-history_id")[:limit] for qs in histories
        ),
        key=lambda h: (h.history_date, h.history_id),
        reverse=True,
    )[:limit]
    previous: dict[tuple, object] = {}
    # Oldest first, so each row meets its object's previous row.
    for record in reversed(records):
        key = (record.instance_type, record.id)
        record.changed = _changed_fields(record, previous[key]) if key in previous else []
        previous[key] = record
    instances = _instances(records, known)
    return [
        {
            "when": r.history_date,
            "who": r.history_user,
            "what": f"{ACTIONS.get(r.history_type, 'تغییر')} {r.instance_type._meta.verbose_name} «{instance}»",
            "fields": r.changed,
            "why": r.history_change_reason or "",
        }
        for r, instance in zip(records, instances, strict=True)
    ]


def _instances(records, known=()) -> list:
    """The object as it was at each record, with the foreign keys its name reads fetched
    once per model and key, not once per row: a check's name includes its business's code.

    A model says which relations its name reads in HISTORY_NAME_READS (every foreign key
    when it does not say); a relation whose every object is among `known` costs no query.
    """
    instances = [r.instance for r in records]
    by_model: dict[type, list] = {}
    for instance in instances:
        by_model.setdefault(type(instance), []).append(instance)
    held = {(type(o), o.pk): o for o in known}
    for model, group in by_model.items():
        reads = getattr(model, "HISTORY_NAME_READS", None)
        keys = []
        for field in model._meta.concrete_fields:
            if not field.many_to_one or (reads is not None and field.name not in reads):
                continue
            values = [getattr(i, field.attname) for i in group]
            if all(v is None or (field.related_model, v) in held for v in values):
                for instance, value in zip(group, values, strict=True):
                    field.set_cached_value(instance, None if value is None else held[(field.related_model, value)])
            else:
                keys.append(field.name)
        prefetch_related_objects(group, *keys)
    return instances
