# Registers codexgate as a Windows scheduled task that starts at logon, for the
# current user, restarted if it stops. Run in PowerShell (no admin needed):
#
#   powershell -ExecutionPolicy Bypass -File register-codexgate-task.ps1
#   powershell -ExecutionPolicy Bypass -File register-codexgate-task.ps1 -Exe C:\Tools\codexgate.exe
#
# The task shows a console window (codexgate's log). For no window at all, add
# -NoWindow and run from an elevated PowerShell (the task then runs as S4U,
# "whether the user is logged on or not").
#
# Remove it again:  Unregister-ScheduledTask -TaskName codexgate -Confirm:$false
# codexgate finds the sign-in in %USERPROFILE%\.codex\auth.json.
param(
  [string]$Exe = "$env:LOCALAPPDATA\Programs\codexgate\codexgate.exe",
  [string]$ConfigDir = "$env:APPDATA\codexgate",
  [int]$Port = 8000,
  [switch]$NoWindow
)
$ErrorActionPreference = "Stop"

if (-not (Test-Path $Exe)) {
  throw "codexgate not found at $Exe; download codexgate-x86_64-pc-windows-msvc.exe there or pass -Exe"
}
New-Item -ItemType Directory -Force -Path $ConfigDir | Out-Null
$config = Join-Path $ConfigDir "config.yaml"
if (-not (Test-Path $config)) {
  & $Exe init --path $config
  if ($LASTEXITCODE -ne 0) { throw "codexgate init failed" }
}

$action = New-ScheduledTaskAction -Execute $Exe `
  -Argument "--config `"$config`" --port $Port" -WorkingDirectory $ConfigDir
$trigger = New-ScheduledTaskTrigger -AtLogOn -User "$env:USERDOMAIN\$env:USERNAME"
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
  -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
  -StartWhenAvailable
$logonType = if ($NoWindow) { "S4U" } else { "Interactive" }
$principal = New-ScheduledTaskPrincipal -UserId "$env:USERDOMAIN\$env:USERNAME" -LogonType $logonType `
  -RunLevel Limited

Register-ScheduledTask -TaskName "codexgate" -Action $action -Trigger $trigger -Settings $settings `
  -Principal $principal -Description "codexgate proxy for the Codex backend" -Force | Out-Null
Start-ScheduledTask -TaskName "codexgate"
Write-Host "codexgate registered and started: http://127.0.0.1:$Port/health"
