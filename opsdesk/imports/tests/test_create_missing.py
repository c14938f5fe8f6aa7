"""Masters from the facts: a file may name regions, categories, suppliers, stores and products that are not masters
yet; `--create-missing` creates them, each reported; a dry run lists them and creates nothing; without it, errors."""

from decimal import Decimal

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.cli import main
from opsdesk.core.models import Region, Store
from opsdesk.core.testing.factories import make_user
from opsdesk.imports.kinds import CREATE_MISSING
from opsdesk.imports.models import ImportBatch
from opsdesk.imports.services import import_run
from opsdesk.purchasing.models import Supplier
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales

STORES = [["门店编号", "门店名称", "区域编码", "城市"], ["N1", "新店一", "华东一区", "苏州"],
          ["N2", "新店二", "华东一区", "无锡"], ["N3", "新店三", "R1", "上海"]]
PRODUCTS = [["商品编码", "商品名称", "零售价", "品类", "供应商"], ["Q1", "牛奶", "6.5", "乳品", "光明"],
            ["Q2", "酸奶", "8", "乳品", ""], ["Q3", "面包", "5", "", "桃李"]]
UNKNOWN_CATEGORY = "未知品类编码（请先导入品类，或选择“创建缺失的主数据”）"
UNKNOWN_SUPPLIER = "未知供应商编码（请先导入供应商，或选择“创建缺失的主数据”）"
LINES = [["门店", "小票号", "商品编码", "品名", "时间", "数量", "单价"],
         ["S1", "T1", "P1", "", "2024-05-01 09:00", "1", "2.00"],
         ["NEW", "T2", "NEWSKU", "", "2024-05-01 09:10", "2", "3.50"],
         ["NEW", "T2", "NEWSKU", "新品酸奶", "2024-05-01 09:10", "1", "4.00"],
         ["NEW", "T3", "POST", "运费", "2024-05-01 09:20", "1", "18.00"]]


def _run(chain, path, kind, *, create=False, dry_run=False, actor=None):
    defaults = {CREATE_MISSING: "1"} if create else {}
    return import_run(actor=actor, company=chain["company"], kind=kind, path=path, defaults=defaults,
                      dry_run=dry_run)


def _counts():
    return (Region.objects.count(), Store.objects.count(), Product.objects.count(), ProductCategory.objects.count(),
            Supplier.objects.count())


def test_a_stores_file_naming_new_regions_creates_them_only_when_asked(chain, write_file):
    # given
    path = write_file("stores.csv", STORES)
    before = _counts()
    # when: without the option, as a dry run with it, then for real with it
    refused = _run(chain, path, "stores")
    dry = _run(chain, path, "stores", create=True, dry_run=True)
    after_dry = _counts()
    done = _run(chain, path, "stores", create=True)
    # then
    assert refused.status == "rejected"
    assert list(refused.quarantine.filter(column="区域编码").values_list("row_number", "value", "reason")) == [
        (2, "华东一区", "未知区域编码（请先导入区域，或选择“创建缺失的主数据”）"),
        (3, "华东一区", "未知区域编码（请先导入区域，或选择“创建缺失的主数据”）")]
    assert (dry.status, dry.rows_committed, dry.report) == (
        "dry_run", 3, {"masters": {"would_create": {"regions": ["华东一区"]}}})
    assert after_dry == before
    assert (done.status, done.rows_inserted, done.report) == (
        "committed", 3, {"masters": {"created": {"regions": ["华东一区"]}}})
    region = Region.objects.get(company=chain["company"], code="华东一区")
    assert (region.name, sorted(region.stores.values_list("code", flat=True))) == ("华东一区", ["N1", "N2"])


def test_a_products_file_naming_categories_and_suppliers_creates_them(chain, write_file):
    # given
    path = write_file("products.csv", PRODUCTS)
    # when
    refused = _run(chain, path, "products")
    batch = _run(chain, path, "products", create=True)
    # then
    category, supplier = UNKNOWN_CATEGORY, UNKNOWN_SUPPLIER
    assert list(refused.quarantine.order_by("row_number").values_list("row_number", "errors")) == [
        (2, [{"column": "品类", "value": "乳品", "reason": category},
             {"column": "供应商", "value": "光明", "reason": supplier}]),
        (3, [{"column": "品类", "value": "乳品", "reason": category}]),
        (4, [{"column": "供应商", "value": "桃李", "reason": supplier}])]
    assert batch.report == {"masters": {"created": {"categories": ["乳品"], "suppliers": ["光明", "桃李"]}}}
    products = Product.objects.filter(sku__startswith="Q").order_by("sku")
    assert [(p.sku, p.category.code if p.category else "", p.supplier.code if p.supplier else "")
            for p in products] == [("Q1", "乳品", "光明"), ("Q2", "乳品", ""), ("Q3", "", "桃李")]


def test_a_sales_file_naming_new_stores_and_products(chain, write_file):
    # given
    path = write_file("lines.csv", LINES)
    before = _counts()
    # when: without the option
    plain = _run(chain, path, "sales_lines")
    # then: clear errors, and the one known line written
    assert sorted(plain.quarantine.values_list("row_number", "reason")) == [
        (3, "未知门店编号"), (4, "未知门店编号"), (5, "未知门店编号")]
    # when: a dry run with the option
    for model in (SalesLine, SkuDaySales, StoreDaySales):
        model.objects.all().delete()
    dry = _run(chain, path, "sales_lines", create=True, dry_run=True)
    # then: it lists what it would create, counts the rows as it would write them, and creates nothing
    assert (dry.status, dry.rows_committed, dry.rows_quarantined) == ("dry_run", 3, 1)
    assert dry.report == {"masters": {"would_create": {"stores": ["NEW"], "products": ["NEWSKU"]}}}
    assert _counts() == before
    assert SalesLine.objects.count() == StoreDaySales.objects.count() == 0
    # when: for real
    done = _run(chain, path, "sales_lines", create=True)
    # then: the store (in region DEFAULT) and the product (its first name and unit price) exist, with their lines
    assert (done.status, done.rows_committed, done.report["masters"]) == (
        "committed", 3, {"created": {"stores": ["NEW"], "products": ["NEWSKU"]}})
    store = Store.objects.get(company=chain["company"], code="NEW")
    product = Product.objects.get(company=chain["company"], sku="NEWSKU")
    assert (store.region.code, store.name) == ("DEFAULT", "NEW")
    assert (product.name, product.price) == ("新品酸奶", Decimal("3.50"))
    assert list(SalesLine.objects.filter(store=store).values_list("line_no", "quantity")) == [
        (1, Decimal("2.000")), (2, Decimal("1.000"))]
    assert list(StoreDaySales.objects.filter(store=store).values_list("sales_amount", "source")) == [
        (Decimal("11.00"), "lines")]


def test_only_a_company_wide_master_importer_may_create_masters(chain, write_file):
    # given: a store manager of S1
    manager = make_user("store_manager", stores=[chain["stores"]["S1"]])
    before = _counts()
    # when
    batch = _run(chain, write_file("lines.csv", LINES), "sales_lines", create=True, actor=manager)
    # then
    assert (batch.status, batch.message) == ("failed", "只有可导入主数据的全公司账号才能创建缺失的门店和商品。")
    assert _counts() == before


def test_the_command_line_dry_run_lists_what_it_would_create_and_creates_nothing(chain, write_file, capsys):
    # given
    path = write_file("stores.csv", STORES)
    before = _counts()
    # when
    code = main(["import", "stores", str(path), "--company", "IMP", "--create-missing", "--dry-run", "--quiet"])
    # then
    output = capsys.readouterr().out
    assert code == 0
    assert "  would create (dry run: none created) 1 regions: 华东一区\n" in output
    assert _counts() == before
    assert ImportBatch.objects.get().defaults == {"@create_missing": "1"}
