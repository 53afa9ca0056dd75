from server.demo import DemoStep

DEMO_STEPS: list[DemoStep] = []
