import time
from datetime import date
from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user, EmployeeFactory
from opsdesk.storeops.demo import create_demo_storeops

def test_timing(db):
    company = CompanyFactory(code="DEMO")
    regions = [RegionFactory(company=company, code=f"R{i}") for i in range(3)]
    stores = [StoreFactory(region=regions[i % 3], code=f"S{i:02d}") for i in range(24)]
    for store in stores:
        make_user(R.STORE_MANAGER, stores=[store]); EmployeeFactory(store=store); EmployeeFactory(store=store)
    for region in regions:
        make_user(R.SUPERVISOR, regions=[region]); make_user(R.REGIONAL_MANAGER, regions=[region])
    make_user(R.COO, company=company)
    t = time.perf_counter()
    counts = create_demo_storeops(company, seed=1, today=date(2025, 3, 14))
    print("\nDEMO", round(time.perf_counter() - t, 2), "s", counts)
