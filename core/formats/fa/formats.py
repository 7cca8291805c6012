# Django's own fa format module sets no NUMBER_GROUPING, so intcomma and
# localized numbers print 1234567; officials read ۱٬۲۳۴٬۵۶۷.
DECIMAL_SEPARATOR = "٫"
THOUSAND_SEPARATOR = "٬"
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
