from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "luoshi.cases"
    label = "cases"
    verbose_name = "诉求办理"
