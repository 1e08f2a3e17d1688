// What every API handler works with: the wire contracts generated from the spec, the store, and ASP.NET Core MVC.
global using ImageService.Emulator.Contracts;
global using ImageService.Emulator.Store;
global using Microsoft.AspNetCore.Mvc;
