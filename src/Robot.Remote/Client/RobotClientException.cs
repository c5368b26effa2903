using Robot.Protocol.Extensions;

namespace Robot.Remote.Client;

/// <summary>Why a remote operation failed, coarse enough to pick an exit code or a UI message from.</summary>
public enum RobotClientFailure
{
    /// <summary>No connection to the broker within the connect timeout (down, wrong address, bad credentials).</summary>
    BrokerUnreachable,
    /// <summary>The connection to the broker dropped while we were using it.</summary>
    LinkLost,
    /// <summary>The robot did not answer within the answer timeout.</summary>
    NoAnswer,
    /// <summary>The robot answered something we cannot use (not a CommandResponse, another command's answer).</summary>
    BadAnswer,
    /// <summary>The robot understood the command and refused it; <see cref="RobotClientException.Response"/> says why.</summary>
    Refused,
    /// <summary>A report whose content does not hash to the reportHash it carries (tampered or corrupted).</summary>
    HashMismatch,
}

public sealed class RobotClientException : Exception
{
    public RobotClientException(RobotClientFailure failure, string message, CommandResponse? response = null)
        : base(message)
    {
        Failure = failure;
        Response = response;
    }

    public RobotClientFailure Failure { get; }
    /// <summary>The robot's answer, for <see cref="RobotClientFailure.Refused"/>.</summary>
    public CommandResponse? Response { get; }
}
