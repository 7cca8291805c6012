from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """?page=2&page_size=200; at most 500 a page, so one request stays small."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "صفحهٔ «{page_number}» وجود ندارد."

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        fields = described["properties"]
        for name, text in (
            ("count", "شمار همهٔ ردیف‌ها در همهٔ صفحه‌ها."),
            ("next", "نشانی صفحهٔ بعد؛ null در صفحهٔ آخر."),
            ("previous", "نشانی صفحهٔ قبل؛ null در صفحهٔ نخست."),
            ("results", "ردیف‌های این صفحه."),
        ):
            fields[name] = {**fields[name], "description": text}
        fields["next"]["example"] = f"https://example.org/api/v1/businesses/?{self.page_query_param}=4"
        fields["previous"]["example"] = f"https://example.org/api/v1/businesses/?{self.page_query_param}=2"
        return described
