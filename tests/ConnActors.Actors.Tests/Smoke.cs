public class ActorsSmoke { [Fact] public void Builds() => Assert.NotNull(typeof(ActorsSmoke)); }
