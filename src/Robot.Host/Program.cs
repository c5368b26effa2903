using Robot.Host.Hosting;

// robot-host: the process on the robot's board, run by systemd (deploy/robot-host.service).
// Hardware drivers are chosen by config (Hardware:Kind: gpio, or virtual for a dry run); the
// config file is named by --config PATH or ROBOT_CONFIG (the package: /etc/robot-host/appsettings.json).
return await RobotHostCli.RunAsync(args, Console.Out, Console.Error);
