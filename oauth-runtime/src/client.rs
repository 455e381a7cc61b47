use std::marker::PhantomData;
use crate::{Error, Provider};

pub struct Client<P: Provider> { _p: PhantomData<P> }
pub struct ClientBuilder<P: Provider> { provider: P }

impl<P: Provider> Client<P> {
    pub fn builder(provider: P) -> ClientBuilder<P> { ClientBuilder { provider } }
}
impl<P: Provider> ClientBuilder<P> {
    pub fn base_url(self, _url: &str) -> Self { self }
    pub fn environment(self, _name: &str) -> Self { self }
    pub fn build(self) -> Result<Client<P>, Error> { let _ = self.provider; Err(Error::Config("stub".into())) }
}
