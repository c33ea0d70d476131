@echo off
rem Console entry for IT staff: "commune-desk-cli update --from E:\", "commune-desk-cli --self-test".
rem CommuneDesk.exe is a windowed program; started from a script, cmd waits for it and
rem passes its exit status on, and COMMUNE_DESK_CONSOLE makes it write into this window.
setlocal
set COMMUNE_DESK_CONSOLE=1
"%~dp0CommuneDesk.exe" %*
exit /b %ERRORLEVEL%
