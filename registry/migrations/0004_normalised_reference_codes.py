"""Reference codes are stored normalised (core.persian.normalize_code): no invisible or
direction characters, ASCII digits, Persian letters, upper case. The unique key on
reference_code then holds on what people see, so «ab-12» cannot register «AB-12» again.

The data step normalises the rows already there. If two of them become the same code,
they are the same business registered twice: the migration stops with a Persian message
naming the codes, and changes nothing, for a person to merge or correct them first
(there is no production data yet, so this is expected never to happen).
"""

from django.db import migrations

from core.persian import normalize_code


def normalise_reference_codes(apps, schema_editor):
    HomeBusiness = apps.get_model("registry", "HomeBusiness")
    by_code: dict[str, list[str]] = {}
    changed = []
    for pk, code in HomeBusiness.objects.values_list("pk", "reference_code").iterator():
        normal = normalize_code(code)
        by_code.setdefault(normal, []).append(code)
        if normal != code:
            changed.append((pk, normal))
    collisions = {normal: codes for normal, codes in by_code.items() if len(codes) > 1}
    if collisions:
        listed = "؛ ".join(f"«{normal}»: " + "، ".join(repr(c) for c in codes) for normal, codes in collisions.items())
        raise RuntimeError(
            "این کدهای پیگیری پس از یکسان‌سازی (حذف نویسه‌های نامرئی، رقم انگلیسی، حروف بزرگ) یکی می‌شوند "
            f"و هر گروه احتمالاً یک کسب‌وکار است که دو بار ثبت شده: {listed}. "
            "پیش از این مهاجرت، ردیف‌های تکراری را یکی یا کدشان را اصلاح کنید."
        )
    for pk, normal in changed:
        HomeBusiness.objects.filter(pk=pk).update(reference_code=normal)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_owner_national_code")]

    # Codes stored before normalisation cannot be told apart again: the reverse keeps them.
    operations = [migrations.RunPython(normalise_reference_codes, migrations.RunPython.noop)]
