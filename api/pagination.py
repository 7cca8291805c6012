from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """?page=2&page_size=200; at most 500 a page, so one request stays small."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "صفحهٔ «{page_number}» وجود ندارد."
