from callcenter import create_app

app = create_app()
