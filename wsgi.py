from silkmeet import create_app

app = create_app()
