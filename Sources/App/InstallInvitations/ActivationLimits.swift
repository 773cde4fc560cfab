/// The activation API's limits per client address, owned by the application's services so that each application
/// (and each test's application) counts its own clients.
struct ActivationLimits: Sendable {
    /// Unknown codes per client address: 30 per 15 minutes makes guessing a 98-bit code hopeless. Only misses
    /// count, so a whole office activating behind one NAT address is never slowed down; but while a client is
    /// limited every code it sends is refused, a valid one too, or a guesser would learn which code is real.
    let guesses = RateLimiter(limit: 30, window: 15 * 60)
    /// Public reads per client address; products fetch keys once and cache them.
    let reads = RateLimiter(limit: 600, window: 60)
}
