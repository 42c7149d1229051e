System.Console.WriteLine("node");
