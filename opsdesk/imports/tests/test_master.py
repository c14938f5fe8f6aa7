"""Master-data imports: all or nothing, references resolved, audited in bulk."""

from auditlog.models import LogEntry

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Region, Store
from opsdesk.imports.services import import_run
from opsdesk.purchasing.models import Supplier


def _run(chain, path, kind, **options):
    return import_run(actor=options.pop("actor", None), company=chain["company"], kind=kind, path=path, **options)


def test_stores_are_all_or_nothing(chain, write_file):
    # given: one row refers to an unknown region
    path = write_file(
        "stores.csv",
        [
            ["门店编号", "门店名称", "区域编码", "城市", "开业日期"],
            ["N1", "新店一", "R1", "苏州", "2020/3/1"],
            ["N2", "新店二", "R9", "无锡", "2021-04-01"],
        ],
    )
    # when
    batch = _run(chain, path, "stores")
    # then: nothing written, every row quarantined, the bad one with its reason
    assert (batch.status, batch.rows_read, batch.rows_committed, batch.rows_quarantined, batch.rows_invalid) == (
        "rejected",
        2,
        0,
        2,
        1,
    )
    assert list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason")) == [
        (2, "", "", "未导入：本文件其他行有错误（主数据全部导入或全部不导入）"),
        (3, "区域编码", "R9", "未知区域编码（请先导入区域，或选择“创建缺失的主数据”）"),
    ]
    assert not Store.objects.filter(code__in=["N1", "N2"]).exists()


def test_master_data_creates_updates_and_audits(chain, write_file):
    # given
    regions = write_file("regions.csv", [["区域编码", "区域名称"], ["R1", "一区（改名）"], ["R3", "三区"]])
    stores = write_file(
        "stores.csv",
        [["Store", "Region", "City", "Status"], ["N1", "R3", "苏州", "营业中"], ["N1", "R3", "苏州", "营业中"]],
    )
    # when
    first = _run(chain, regions, "regions")
    second = _run(chain, stores, "stores")
    # then
    assert (first.rows_committed, second.rows_committed, second.rows_skipped_duplicates) == (2, 1, 1)
    assert Region.objects.get(code="R1").name == "一区（改名）"
    store = Store.objects.get(code="N1")
    assert (store.region.code, store.name, store.status) == ("R3", "N1", "open")
    entries = LogEntry.objects.filter(additional_data__bulk=True)
    assert entries.filter(action=LogEntry.Action.CREATE).count() == 2
    assert entries.filter(action=LogEntry.Action.UPDATE).count() == 1


def test_categories_with_parents_in_the_same_file_suppliers_and_products(chain, write_file):
    # given
    categories = write_file(
        "cat.csv", [["品类编码", "品类名称", "上级品类"], ["FRUIT", "水果", "FRESH"], ["FRESH", "生鲜", ""]]
    )
    suppliers = write_file("sup.csv", [["供应商编码", "供应商名称", "交期"], ["SUP1", "果园", "2"]])
    products = write_file(
        "products.csv",
        [
            ["商品编码", "商品名称", "条码", "箱规", "进价", "售价", "品类", "供应商"],
            ["A100", "苹果", "6901234567892", "12", "3.2", "¥5.90", "FRUIT", "SUP1"],
        ],
    )
    # when
    batches = [
        _run(chain, categories, "categories"),
        _run(chain, suppliers, "suppliers"),
        _run(chain, products, "products"),
    ]
    # then
    assert [b.status for b in batches] == ["committed"] * 3
    assert ProductCategory.objects.get(code="FRUIT").parent.code == "FRESH"
    assert Supplier.objects.get(code="SUP1").lead_time_days == 2
    product = Product.objects.get(sku="A100")
    assert (str(product.price), str(product.cost), product.pack_size, product.category.code, product.supplier.code) == (
        "5.90",
        "3.20",
        12,
        "FRUIT",
        "SUP1",
    )


def test_a_partial_master_file_updates_only_the_fields_it_has_columns_for(chain, write_file):
    # given: a store, categories with a parent, a supplier and a product imported with every column
    _run(chain, write_file("stores.csv", [
        ["Store", "门店名称", "Region", "City", "地址", "开业日期", "业态", "面积", "状态"],
        ["N1", "苏州一店", "R1", "苏州", "人民路 1 号", "2020-03-01", "hypermarket", "1200", "renovating"]]), "stores")
    _run(chain, write_file("cat.csv", [["品类编码", "品类名称", "上级品类"], ["FRESH", "生鲜", ""],
                                       ["FRUIT", "水果", "FRESH"]]), "categories")
    _run(chain, write_file("sup.csv", [["供应商编码", "供应商名称", "交期"], ["SUP1", "果园", "2"]]), "suppliers")
    _run(chain, write_file("products.csv", [["商品编码", "商品名称", "箱规", "进价", "售价", "品类", "供应商"],
                                            ["A100", "苹果", "12", "3.2", "5.9", "FRUIT", "SUP1"]]), "products")

    # when: files from other systems with fewer columns: stores' cities (and a new store), categories' names,
    # products' prices
    stores = _run(chain, write_file("cities.csv", [["Store", "Region", "City"], ["N1", "R1", "无锡"],
                                                   ["N9", "R1", "常州"]]), "stores")
    _run(chain, write_file("cat2.csv", [["品类编码", "品类名称"], ["FRUIT", "鲜果"]]), "categories")
    products = _run(chain, write_file("prices.csv", [["商品编码", "商品名称", "售价"], ["A100", "苹果", "6.5"]]),
                    "products")

    # then: only the named fields changed; everything else is as the full files left it, and a new store takes the
    # defaults (its code as name)
    store = Store.objects.get(code="N1")
    assert (store.city, store.name, store.address, str(store.opening_date), store.format, str(store.floor_area),
            store.status) == ("无锡", "苏州一店", "人民路 1 号", "2020-03-01", "hypermarket", "1200.0", "renovating")
    new = Store.objects.get(code="N9")
    assert (new.name, new.city, new.address, new.format, new.status) == ("N9", "常州", "", "supermarket", "open")
    assert (stores.rows_inserted, stores.rows_updated) == (1, 1)
    fruit = ProductCategory.objects.get(code="FRUIT")
    assert (fruit.name, fruit.parent.code) == ("鲜果", "FRESH")
    product = Product.objects.get(sku="A100")
    assert (str(product.price), str(product.cost), product.pack_size, product.category.code, product.supplier.code) == (
        "6.50", "3.20", 12, "FRUIT", "SUP1")
    assert (products.rows_updated, products.rows_unchanged) == (1, 0)


def test_conflicting_duplicate_codes_reject_the_file(chain, write_file):
    # given
    path = write_file("products.csv", [["sku", "name", "price"], ["A1", "一", "1"], ["A1", "二", "2"]])
    # when
    batch = _run(chain, path, "products")
    # then
    assert batch.status == "rejected"
    assert batch.quarantine.get(row_number=3).reason == "与第 2 行编码相同但内容不同"


def test_master_data_needs_admin_or_coo(chain, write_file):
    # given
    import pytest
    from django.core.exceptions import PermissionDenied

    from opsdesk.core.testing.factories import make_user

    path = write_file("regions.csv", [["区域编码", "区域名称"], ["R7", "七区"]])
    manager = make_user("regional_manager", regions=[chain["regions"]["R1"]])
    coo = make_user("coo", company=chain["company"])
    # when / then
    with pytest.raises(PermissionDenied):
        _run(chain, path, "regions", actor=manager)
    assert _run(chain, path, "regions", actor=coo).status == "committed"


def test_a_stores_files_other_columns_are_kept_as_store_attributes(chain, write_file):
    # given: Rossmann's store file: the code and four columns no store field takes
    header = ["Store", "Region", "StoreType", "Assortment", "CompetitionDistance", "PromoInterval"]
    path = write_file("stores.csv", [header, ["N1", "R1", "c", "a", "1270", ""],
                                     ["N2", "R1", "a", "a", "570", "Jan,Apr,Jul,Oct"]])

    # when: imported, then the same rows again in another order (the same file would be a duplicate batch)
    first = _run(chain, path, "stores")
    again = write_file("stores-again.csv", [header, ["N2", "R1", "a", "a", "570", "Jan,Apr,Jul,Oct"],
                                            ["N1", "R1", "c", "a", "1270", ""]])
    second = _run(chain, again, "stores")

    # then: every non-empty other cell is kept by its header, once
    assert Store.objects.get(code="N1").attributes == {"StoreType": "c", "Assortment": "a",
                                                       "CompetitionDistance": "1270"}
    assert Store.objects.get(code="N2").attributes == {"StoreType": "a", "Assortment": "a",
                                                       "CompetitionDistance": "570", "PromoInterval": "Jan,Apr,Jul,Oct"}
    assert (first.rows_committed, first.rows_inserted, second.rows_inserted, second.rows_updated,
            second.rows_unchanged) == (2, 2, 0, 0, 2)

    # when: a later file changes one attribute
    changed = write_file("stores2.csv", [header, ["N1", "R1", "b", "a", "1270", ""]])
    third = _run(chain, changed, "stores")

    # then: that store is updated, the other left alone
    assert (third.rows_updated, Store.objects.get(code="N1").attributes["StoreType"]) == (1, "b")
    assert Store.objects.get(code="N2").attributes["StoreType"] == "a"


def test_a_later_stores_file_updates_the_attributes_it_has_columns_for_and_keeps_the_others(chain, write_file):
    # given: stores imported with three other columns
    first = write_file("stores.csv", [["Store", "Region", "StoreType", "Assortment", "CompetitionDistance"],
                                      ["N1", "R1", "c", "a", "1270"], ["N2", "R1", "a", "b", "570"]])
    _run(chain, first, "stores")

    # when: a file from another system without those columns (a new city), then one with one of them changed, one
    # emptied (N2's assortment) and a new one
    _run(chain, write_file("erp.csv", [["Store", "Region", "City"], ["N1", "R1", "杭州"], ["N2", "R1", "杭州"]]),
         "stores")
    plain = {code: dict(Store.objects.get(code=code).attributes) for code in ("N1", "N2")}
    batch = _run(chain, write_file("update.csv", [["Store", "Region", "City", "StoreType", "Assortment", "Zone"],
                                                  ["N1", "R1", "杭州", "d", "a", ""],
                                                  ["N2", "R1", "杭州", "a", "", "N"]]), "stores")

    # then: the plain file changed the city and kept every attribute; the update set, removed and added by name,
    # and kept the column it did not have
    assert plain == {"N1": {"StoreType": "c", "Assortment": "a", "CompetitionDistance": "1270"},
                     "N2": {"StoreType": "a", "Assortment": "b", "CompetitionDistance": "570"}}
    assert Store.objects.get(code="N1").attributes == {"StoreType": "d", "Assortment": "a",
                                                       "CompetitionDistance": "1270"}
    assert Store.objects.get(code="N2").attributes == {"StoreType": "a", "CompetitionDistance": "570", "Zone": "N"}
    assert Store.objects.get(code="N1").city == "杭州"
    assert (batch.rows_updated, batch.rows_unchanged) == (2, 0)


def test_an_overlong_store_attribute_is_a_problem_of_its_row_and_column(chain, write_file):
    # given: a note column with 201 characters on the second data row
    path = write_file("stores.csv", [["Store", "Region", "Note"], ["N1", "R1", "ok"], ["N2", "R1", "x" * 201]])

    # when
    batch = _run(chain, path, "stores")

    # then: nothing written (master data), the row and column named with the reason
    assert batch.status == "rejected"
    assert list(batch.quarantine.filter(column="Note").values_list("row_number", "value", "reason")) == [
        (3, "x" * 40, "超过 200 个字符")]
    assert not Store.objects.filter(code__in=["N1", "N2"]).exists()


def test_store_attributes_beyond_what_a_store_can_hold_are_a_problem_of_their_row_and_column(chain, write_file):
    # given: a row with 101 other non-empty columns (the first row leaves them empty: nothing of it is lost)
    wide = [f"C{i:03d}" for i in range(101)]
    path = write_file("stores.csv", [["Store", "Region", *wide], ["N1", "R1", *([""] * 101)],
                                     ["N2", "R1", *(["v"] * 101)]])

    # when
    batch = _run(chain, path, "stores")

    # then: refused whole; the 101st column is the first that cannot be kept
    assert batch.status == "rejected"
    assert list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason")) == [
        (2, "", "", "未导入：本文件其他行有错误（主数据全部导入或全部不导入）"),
        (3, "C100", "v", "其他列超过 100 个，这一列及之后的列无法保存")]
    assert not Store.objects.filter(code__in=["N1", "N2"]).exists()


def test_a_stores_file_whose_attributes_with_the_stored_ones_exceed_the_limit_is_refused(chain, write_file):
    # given: a store with 60 attributes from one file
    first = [f"A{i:02d}" for i in range(60)]
    _run(chain, write_file("a.csv", [["Store", "Region", *first], ["N1", "R1", *(["v"] * 60)]]), "stores")
    # when: a second file brings 50 other names (110 together)
    second = [f"B{i:02d}" for i in range(50)]
    batch = _run(chain, write_file("b.csv", [["Store", "Region", *second], ["N1", "R1", *(["w"] * 50)]]), "stores")
    # then: refused with the row's reason, the store keeps its 60
    assert batch.status == "rejected"
    assert list(batch.quarantine.values_list("row_number", "column", "reason")) == [
        (2, "attributes", "与门店已有的属性合计超过 100 个")]
    assert len(Store.objects.get(code="N1").attributes) == 60


def test_a_fixed_quarantine_download_brings_no_row_numbers_or_errors_into_store_attributes(chain, write_file):
    # given: a rejected stores file fixed in its quarantine download, which adds the row number and error columns
    # (in the language of whoever downloaded it)
    chinese = write_file("fixed.csv", [["Store", "Region", "StoreType", "原行号", "错误"],
                                       ["N1", "R1", "c", "2", "Region=R9: 未知区域编码"]])
    english = write_file("fixed-en.csv", [["Store", "Region", "StoreType", "Original row", "Error"],
                                          ["N2", "R1", "a", "3", "Region=R9: unknown region code"]])

    # when
    _run(chain, chinese, "stores")
    _run(chain, english, "stores")

    # then: only the store's own column is kept
    assert Store.objects.get(code="N1").attributes == {"StoreType": "c"}
    assert Store.objects.get(code="N2").attributes == {"StoreType": "a"}
