from django.contrib import admin

from .models import Delivery, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "event_key"]
    readonly_fields = ["recipient", "kind", "event_key", "title", "body", "url", "created_at", "read_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["to_address", "notification", "mode", "status", "attempts", "sent_at"]
    list_filter = ["status", "mode"]
    search_fields = ["to_address"]
    readonly_fields = [
        "notification",
        "to_address",
        "mode",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
    ]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
