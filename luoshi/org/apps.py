from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "luoshi.org"
    label = "org"
    verbose_name = "组织与权限"
