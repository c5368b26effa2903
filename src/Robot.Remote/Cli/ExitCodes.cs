using Robot.Remote.Client;

namespace Robot.Remote.Cli;

/// <summary>The remote's exit codes (also listed in `robot-remote --help`).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Bad arguments: unknown verb or option, missing or out-of-range value.</summary>
    public const int BadArguments = 1;
    /// <summary>The broker cannot be reached, or the connection to it was lost.</summary>
    public const int BrokerUnreachable = 2;
    /// <summary>
    /// The robot refused the command or the order (its code and message go to stderr), an inspection
    /// FAILED, or a report's hash does not match its content.
    /// </summary>
    public const int Refused = 3;
    /// <summary>The robot did not answer in time, or answered something unusable.</summary>
    public const int NoAnswer = 4;
    /// <summary>A bug in the remote (sysexits EX_SOFTWARE).</summary>
    public const int InternalError = 70;
    /// <summary>Interrupted (Ctrl+C) before a command was answered.</summary>
    public const int Interrupted = 130;

    public static int For(RobotClientFailure failure) => failure switch
    {
        RobotClientFailure.BrokerUnreachable or RobotClientFailure.LinkLost => BrokerUnreachable,
        RobotClientFailure.Refused or RobotClientFailure.HashMismatch => Refused,
        RobotClientFailure.NoAnswer or RobotClientFailure.BadAnswer => NoAnswer,
        _ => NoAnswer,
    };

    public const string Summary =
        "Exit codes: 0 ok, 1 bad arguments, 2 broker unreachable or connection lost, 3 refused by the robot, inspection failed or report hash mismatch, 4 no or unusable answer (or nothing heard while following), 70 internal error, 130 interrupted.";
}
