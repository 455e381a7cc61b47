//! The shipped vendors' documented operations (issue 10), over HTTP against their simulators.

mod common;

use std::time::Duration;

use common::*;
use oauth_runtime::Error;
use oauth_sim::{Fault, Target, Vendor};
use oauth_specs::{MontaApi, MpsMonitorApi};

#[tokio::test]
async fn monta_me_reads_the_documented_application() {
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let app = client.me().await.unwrap();
    assert_eq!(app.client_id, sim.config().client_id);
    assert_eq!((app.id, app.user_id, app.name.as_str()), (1, 1, "Public Api Demo"));
    assert_eq!(app.scopes, ["all"]);
    assert!(app.client_secret.is_none());
    assert_eq!(app.created_at, time::macros::datetime!(2023-05-04 14:29:06 UTC));
    assert_eq!(app.updated_at, app.created_at);

    // Monta's error body, typed.
    sim.inject(Target::Api, Fault::Unauthorized, 2);
    let err = client.me().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status.as_u16(), 401);
    let body = api.body::<oauth_specs::MontaError>().expect("Monta's error body");
    assert_eq!(body.error_code.as_deref(), Some("AUTHENTICATION_FAILED"));
}

#[tokio::test]
async fn mps_monitor_get_account_answers_json() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    let account = client.get_account().await.unwrap();
    assert!(account.is_object(), "{account}");
    assert_eq!(sim.counters().api_authorized, 1);
}
