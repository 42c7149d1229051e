namespace ConnActors.Policy.Quotas;

/// <summary>What a subsystem asks for when it enrolls.</summary>
public sealed record QuotaRequest(string Name, QuotaAmount Reserved, QuotaAmount Maximum);

/// <summary>How the table answered an enrollment.</summary>
public enum EnrollmentOutcome
{
    /// <summary>Enrolled with exactly what was asked.</summary>
    Accepted,

    /// <summary>Not enrolled yet: the table offers <see cref="Enrollment.Reserved"/>/<see cref="Enrollment.Maximum"/>; accept or withdraw.</summary>
    CounterProposed,

    /// <summary>Refused; <see cref="Enrollment.Reason"/> says why.</summary>
    Rejected,
}

/// <summary>The answer to an enrollment: the slots granted or offered, or the reason for a refusal.</summary>
public sealed record Enrollment(EnrollmentOutcome Outcome, SubsystemId Id, string Name, int Reserved, int Maximum, string? Reason);
