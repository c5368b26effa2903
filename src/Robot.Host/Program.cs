using Robot.Host.Hosting;

// robot-host: the process on the robot's board. Hardware drivers are chosen by config
// (Hardware:Kind); until the GPIO drivers land, run the robot in the simulator:
//   dotnet run --project simulator -- demo
return await RobotHostCli.RunAsync(args, Console.Out, Console.Error);
