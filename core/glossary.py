"""The glossary: every headline figure's Persian name and meaning, written once.

Pages, PDFs, Excel sheets (and later the API and the public pages) print a figure under
`label(key)` and link it to its definition on the glossary page («تعریف شاخص‌ها»); the
reports print `entries()` as their appendix. The numbers themselves are computed by one
function each, named in `computed_by`, in the app that owns the rows:
commitments/figures.py (a commitment's ladder), registry/figures.py (businesses and
checks), reports/figures.py (the programme and the province, which read both).

The words follow ../shared/DESIGN.md ("The figures"). Change a word here and every page,
report and sheet changes with it; the tests look for these very strings.
"""

from __future__ import annotations

from dataclasses import dataclass

# How late a check may come and still tell a business's status at 3, 6 or 12 months
# (registry.survival.cohort_survival); the survival definition below says it in words.
SURVIVAL_WINDOW_MONTHS = 3
_WINDOW_WORDS = {3: "سه"}[SURVIVAL_WINDOW_MONTHS]


# The public status of a commitment in words (commitments.figures.public_status): the
# public pages print this rule beside the words, and the function implements exactly it.
PUBLIC_STATUS_WORDS = {
    "on_track": "طبق برنامه",
    "behind": "عقب از برنامه",
    "achieved": "محقق شده",
    "cancelled": "لغو شده",
    "prepared": "آماده امضا",
}
PUBLIC_STATUS_RULE = (
    "«لغو شده»: تعهدی که لغو شده است. «آماده امضا»: تفاهم‌نامه‌ای که هنوز امضا نشده و رقمی ندارد. "
    "«محقق شده»: تحقق‌یافتهٔ تعهد (فقط گزارش‌های تأییدشده) به هدفش رسیده است. "
    "در غیر این صورت مسیر وعده‌شده خطی راست از صفر در روز امضا تا هدف در روز مهلت تحقق است: "
    "«طبق برنامه» یعنی تحقق‌یافته امروز دست‌کم به اندازهٔ مسیر وعده‌شده در امروز است، "
    "و «عقب از برنامه» یعنی کمتر از آن است یا مهلت گذشته و هدف محقق نشده. "
    "تعهدی که تاریخ امضا یا مهلت تحقق ندارد مسیری ندارد که از آن عقب بماند و «طبق برنامه» شمرده می‌شود."
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    computed_by: str
    group: str


_PROGRAMME = "برنامه"
_COMMITMENT = "هر تعهد"
_REGISTRY = "ثبت کسب‌وکارها"

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        Figure(
            "baseline_jobs",
            "شغل پایه",
            "شغل‌های خانگی ایجادشده پیش از راه‌اندازی سامانه (۱۴٬۰۰۰ شغل به گفتهٔ معاون اقتصادی استاندار کرمان)، "
            "ثبت‌شده یک بار به دست مدیر سامانه. جدا نشان داده می‌شود و جزو هیچ هدف، تعهد، مجموع تعهدشده "
            "یا درصد تحققی نیست.",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "new_jobs",
            "شغل تازه",
            "مجموع شغل گزارش‌های پیشرفت تأییدشده پس از شغل پایه. گزارش ارسال‌شده یا برگشت‌خورده شمرده نمی‌شود "
            "تا مقام استانی آن را تأیید کند.",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "new_jobs_target",
            "هدف شغل تازه",
            "فرصت‌های شغلی تازه‌ای که کارگروه اشتغال استان باید محقق کند (۱۲٬۰۰۰ شغل)؛ شغل پایه در آن نیست.",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "programme_percent",
            "درصد تحقق برنامه",
            "شغل تازه ÷ هدف شغل تازه. تنها درصد برنامه در سامانه است؛ هر جا درصد برنامه آمده همین است.",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "programme_remaining",
            "باقی‌مانده تا هدف شغل تازه",
            "هدف شغل تازه منهای شغل تازه (اگر شغل تازه از هدف بگذرد، صفر).",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "pledged",
            "تعهد شده",
            "مجموع هدف اشتغال تعهدهای اصلی. بخشی که درون تعهدی دیگر است (مانند ۶٬۰۰۰ شغل بنیاد برکت درون "
            "۳۰٬۰۰۰ شغل بانک رسالت) دوباره شمرده نمی‌شود؛ شغل پایه تعهد نیست؛ تعهد لغوشده و تفاهم‌نامهٔ "
            "بی‌رقم (آمادهٔ امضا) در آن نیست.",
            "reports.figures.programme_figures",
            _PROGRAMME,
        ),
        Figure(
            "target",
            "هدف",
            "شغلی که یک تعهد یا بخش آن به ایجادش متعهد شده است.",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "allocated",
            "تخصیص‌یافته",
            "مجموع هدف بخش‌های یک تعهد (مثلاً ۶٬۰۰۰ شغل سپرده به بنیاد برکت از ۳۰٬۰۰۰ شغل بانک رسالت).",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "unallocated",
            "بی‌تخصیص",
            "هدف یک تعهد منهای تخصیص‌یافتهٔ آن: سهمی که هنوز به هیچ بخشی سپرده نشده است.",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "realised",
            "تحقق‌یافته",
            "شغل گزارش‌های پیشرفت تأییدشدهٔ یک تعهد و بخش‌های آن؛ شغل پایه در آن نیست.",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "awaiting",
            "در انتظار بررسی",
            "شغل گزارش‌های ارسال‌شدهٔ یک تعهد و بخش‌های آن که هنوز تأیید یا برگشت نخورده‌اند.",
            "commitments.figures.review_context",
            _COMMITMENT,
        ),
        Figure(
            "remaining",
            "باقی‌مانده",
            "هدف یک تعهد منهای تحقق‌یافتهٔ آن (اگر از هدف بگذرد، صفر).",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "commitment_percent",
            "درصد تحقق تعهد",
            "تحقق‌یافته ÷ هدف همان تعهد.",
            "commitments.figures.commitment_figures",
            _COMMITMENT,
        ),
        Figure(
            "public_status",
            "وضعیت تعهد",
            PUBLIC_STATUS_RULE,
            "commitments.figures.public_status",
            _COMMITMENT,
        ),
        Figure(
            "over_target",
            "بیش از هدف",
            "نشان گزارشی که با آن، تحقق‌یافته و در انتظار بررسی یک تعهد (یا تعهد مادرِ یک بخش) از هدفش می‌گذرد. "
            "گزارش ثبت می‌شود و مقام استانی پیش از تأیید آن را می‌بیند.",
            "commitments.figures.review_context",
            _COMMITMENT,
        ),
        Figure(
            "needs_report",
            "نیازمند گزارش",
            "تعهد امضاشده یا در حال اجرایی که برای دورهٔ گزارش خود (ماه شمسی، مگر آنکه برای آن تعهد فصلی، "
            "شش‌ماهه یا سالانه تعیین شده باشد) هنوز گزارش پیشرفتی ندارد: از پنج روز پیش از پایان دوره، و پس از "
            "پایان دوره تا وقتی گزارش آن برسد. گزارش ارسال‌شده یا تأییدشده کافی است؛ گزارش برگشت‌خورده نه.",
            "commitments.figures.commitments_owing_reports",
            _COMMITMENT,
        ),
        Figure(
            "unchecked",
            "پایش‌نشده",
            "کسب‌وکاری که هنوز هیچ پایش استمراری ندارد. نه فعال شمرده می‌شود نه تعطیل.",
            "registry.figures.business_status_counts",
            _REGISTRY,
        ),
        Figure(
            "active",
            "فعال",
            "کسب‌وکاری که آخرین پایش استمرارش آن را فعال یافته است. وضعیت فقط از پایش می‌آید.",
            "registry.figures.business_status_counts",
            _REGISTRY,
        ),
        Figure(
            "semi_closed",
            "نیمه‌تعطیل",
            "کسب‌وکاری که آخرین پایشش آن را نیمه‌تعطیل یافته است (با دلیل: مواد اولیه، بازاریابی، تأمین مالی، آموزش یا سایر).",
            "registry.figures.business_status_counts",
            _REGISTRY,
        ),
        Figure(
            "inactive",
            "غیرفعال",
            "کسب‌وکاری که آخرین پایشش آن را تعطیل یافته است (با دلیل).",
            "registry.figures.business_status_counts",
            _REGISTRY,
        ),
        Figure(
            "still_active",
            "هنوز فعال",
            "شغل کسب‌وکارهایی که آخرین پایششان فعال است. کسب‌وکار پایش‌نشده در آن نیست.",
            "registry.figures.still_active_jobs",
            _REGISTRY,
        ),
        Figure(
            "registered_jobs",
            "شغل کسب‌وکارهای ثبت‌شده",
            "مجموع شغل همهٔ کسب‌وکارهای ثبت‌شده، فعال یا نه، هر صاحب کسب‌وکار یک بار.",
            "reports.figures.dashboard_figures",
            _REGISTRY,
        ),
        Figure(
            "survival",
            "بقا در ۳، ۶ و ۱۲ ماه",
            "وضعیت کسب‌وکار «پس از ۳، ۶ یا ۱۲ ماه» وضعیت نخستین پایش استمرار آن در "
            f"{_WINDOW_WORDS} ماهِ پس از همان تاریخ است: از روزی که همان‌قدر ماه شمسی از تاریخ شروع گذشته "
            "(اگر آن ماه چنین روزی ندارد، روز آخر ماه) تا پیش از همان روزِ سه ماه بعد. پس پایشی که در ماه چهارم "
            "تا ششم پس از شروع ثبت شده، وضعیت «پس از ۳ ماه» است و پایش ماه هفتم، وضعیت «پس از ۶ ماه». "
            "کسب‌وکاری که در این سه ماه پایشی ندارد، در آن ستون «پایش‌نشده» است و در سهم فعال شمرده نمی‌شود؛ "
            "کسب‌وکاری که هنوز به آن تاریخ نرسیده، اصلاً شمرده نمی‌شود. سهم فعال = فعال ÷ پایش‌شده.",
            "registry.survival.cohort_survival",
            _REGISTRY,
        ),
        Figure(
            "duplicate",
            "تکراری",
            "کسب‌وکاری که صاحبش (با همان کد ملی) زیر تعهدی دیگر هم ثبت شده است. در همهٔ ارقام ثبت کسب‌وکارها "
            "هر صاحب یک بار شمرده می‌شود: نخستین کسب‌وکارش.",
            "registry.selectors.counted",
            _REGISTRY,
        ),
    ]
}

GROUPS = [_PROGRAMME, _COMMITMENT, _REGISTRY]


def label(key: str) -> str:
    """The figure's Persian name; a KeyError for a key the glossary does not define, so a
    figure cannot reach a page without a definition."""
    return FIGURES[key].label


def definition(key: str) -> str:
    return FIGURES[key].definition


def entries() -> list[Figure]:
    """Every figure, grouped in the order the glossary page and the reports' appendix print."""
    return sorted(FIGURES.values(), key=lambda f: GROUPS.index(f.group))
