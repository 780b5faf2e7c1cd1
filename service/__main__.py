from service.cli import cli

cli()
