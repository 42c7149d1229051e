public class Libp2pSmoke { [Fact] public void Builds() => Assert.NotNull(typeof(Libp2pSmoke)); }
