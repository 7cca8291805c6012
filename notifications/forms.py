from django import forms

from .models import Kind, Preference


class PreferencesForm(forms.Form):
    """One choice per kind of notice: e-mail at once, in a daily digest, or none."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Preference.Channel.choices,
                initial=initial_channels.get(kind.value, Preference.Channel.NOW),
                widget=forms.RadioSelect,
                error_messages={
                    "required": "برای این نوع اعلان یکی از گزینه‌ها را انتخاب کنید.",
                    "invalid_choice": "گزینهٔ انتخاب‌شده شناخته نیست؛ یکی از سه گزینه را انتخاب کنید.",
                },
            )
